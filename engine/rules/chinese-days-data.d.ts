// The data file chinese-days ships and documents (README: "本项目提供了中国节假日的 JSON 文件"):
// declared here because tsconfig.json has no `resolveJsonModule`.
declare module 'chinese-days/dist/chinese-days.json' {
  const data: {
    holidays: Record<string, string>;
    workdays: Record<string, string>;
    inLieuDays: Record<string, string>;
  };
  export default data;
}

declare module 'chinese-days/package.json' {
  const pkg: { version: string };
  export default pkg;
}
