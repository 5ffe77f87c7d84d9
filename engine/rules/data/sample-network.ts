/**
 * The project's own small sample network, in the shared network format (network-load.ts): the
 * Batong section of line 1 from 国贸 to 环球度假区, one segment of line 14 (大望路–金台路) joining
 * it to line 6 east (金台路–潞阳), the whole Changping line, and both airport lines — every
 * off-peak station of DOMAIN.md §5 is on it. The full network stays outside the project
 * (../shared/data/beijing-subway.json); load it, or any file in its format, with loadNetwork().
 *
 * Station order and segment lengths (metres) are copied from ../shared/data/beijing-subway.json,
 * itself converted from GitHub Mick235711/Beijing-Subway-Tools data/beijing/*.json5 at commit
 * f1ac527 (2026-08-19), whose distances are the official station-distance tables of the
 * operators. Pinyin is machine-made, not official signage. That data is under the MIT licence:
 *
 *   MIT License
 *
 *   Copyright (c) 2025 Yihe Li
 *
 *   Permission is hereby granted, free of charge, to any person obtaining a copy
 *   of this software and associated documentation files (the "Software"), to deal
 *   in the Software without restriction, including without limitation the rights
 *   to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
 *   copies of the Software, and to permit persons to whom the Software is
 *   furnished to do so, subject to the following conditions:
 *
 *   The above copyright notice and this permission notice shall be included in all
 *   copies or substantial portions of the Software.
 *
 *   THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
 *   IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
 *   FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
 *   AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
 *   LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
 *   OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
 *   SOFTWARE.
 */
export const SAMPLE_NETWORK_DOC = {
  name: 'sample',
  source: {
    repo: 'Mick235711/Beijing-Subway-Tools',
    commit: 'f1ac527531c63c96a5026aaf266b60f2e1d413a3',
    via: '../shared/data/beijing-subway.json',
    licence: 'MIT (Copyright (c) 2025 Yihe Li)',
  },
  lines: [
    {
      name: '1号线',
      name_en: 'Line 1',
      aliases: ['Line 1', 'Batong Line'],
      loop: false,
      stations: ['国贸', '大望路', '四惠', '四惠东', '高碑店', '传媒大学', '双桥', '管庄', '八里桥', '通州北苑', '果园', '九棵树', '梨园', '临河里', '土桥', '花庄', '环球度假区'],
      stations_display: ['国贸', '大望路', '四惠', '四惠东', '高碑店', '传媒大学', '双桥', '管庄', '八里桥', '通州北苑', '果园', '九棵树', '梨园', '临河里', '土桥', '花庄', '环球度假区'],
      stations_pinyin: ['Guomao', 'Dawanglu', 'Sihui', 'Sihuidong', 'Gaobeidian', 'Chuanmeidaxue', 'Shuangqiao', 'Guanzhuang', 'Baliqiao', 'Tongzhoubeiyuan', 'Guoyuan', 'Jiukeshu', 'Liyuan', 'Linheli', 'Tuqiao', 'Huazhuang', 'Huanqiudujiaqu'],
      stations_en: [null, null, null, null, null, 'Communication University of China', null, null, null, null, null, null, null, null, null, null, 'Universal Resort'],
      segments_m: [1385, 1673, 1714, 1375, 2002, 1894, 1912, 1763, 1700, 1465, 990, 1225, 1257, 776, 2238, 1863],
      sample_note: 'Batong section and its extension only (the line continues west of 国贸 to 苹果园)',
    },
    {
      name: '14号线',
      name_en: 'Line 14',
      aliases: ['Line 14'],
      loop: false,
      stations: ['大望路', '金台路'],
      stations_display: ['大望路', '金台路'],
      stations_pinyin: ['Dawanglu', 'Jintailu'],
      stations_en: [null, null],
      segments_m: [1602],
      sample_note: 'one segment only, joining line 1 and line 6 in the sample',
    },
    {
      name: '6号线',
      name_en: 'Line 6',
      aliases: ['Line 6'],
      loop: false,
      stations: ['金台路', '十里堡', '青年路', '褡裢坡', '黄渠', '常营', '草房', '物资学院路', '通州北关', '通运门', '北运河西', '北运河东', '郝家府', '东夏园', '潞城', '潞阳'],
      stations_display: ['金台路', '十里堡', '青年路', '褡裢坡', '黄渠', '常营', '草房', '物资学院路', '通州北关', '通运门', '北运河西', '北运河东', '郝家府', '东夏园', '潞城', '潞阳'],
      stations_pinyin: ['Jintailu', 'Shilipu', 'Qingnianlu', 'Dalianpo', 'Huangqu', 'Changying', 'Caofang', 'Wuzixueyuanlu', 'Tongzhoubeiguan', 'Tongyunmen', 'Beiyunhexi', 'Beiyunhedong', 'Haojiafu', 'Dongxiayuan', 'Lucheng', 'Luyang'],
      stations_en: [null, null, null, null, null, null, null, null, null, null, null, 'Beijing Tongzhou Railway Station', null, null, null, null],
      segments_m: [2037, 1283, 3999, 1239, 1854, 1407, 2115, 2557, 1468, 1543, 1600, 929, 1347, 1194, 2057],
      sample_note: 'east part only (the line continues west of 金台路)',
    },
    {
      name: '昌平线',
      name_en: 'Changping Line',
      aliases: ['Changping Line', 'Line 27'],
      loop: false,
      stations: ['昌平西山口', '十三陵景区', '昌平', '昌平东关', '北邵洼', '南邵', '沙河高教园', '沙河', '巩华城', '朱辛庄', '生命科学园', '西二旗', '清河站', '朱房北', '清河小营桥', '学知园', '六道口', '学院桥', '西土城', '蓟门桥'],
      stations_display: ['昌平西山口', '十三陵景区', '昌平', '昌平东关', '北邵洼', '南邵', '沙河高教园', '沙河', '巩华城', '朱辛庄', '生命科学园', '西二旗', '清河站', '朱房北', '清河小营桥', '学知园', '六道口', '学院桥', '西土城', '蓟门桥'],
      stations_pinyin: ['Changpingxishankou', 'Shisanlingjingqu', 'Changping', 'Changpingdongguan', 'Beishaowa', 'Nanshao', 'Shahegaojiaoyuan', 'Shahe', 'Gonghuacheng', 'Zhuxinzhuang', 'Shengmingkexueyuan', 'Xierqi', 'Qinghezhan', 'Zhufangbei', 'Qinghexiaoyingqiao', 'Xuezhiyuan', 'Liudaokou', 'Xueyuanqiao', 'Xitucheng', 'Jimenqiao'],
      stations_en: [null, 'Ming Tombs', null, null, null, null, null, null, null, null, null, null, 'Qinghe Railway Station', null, null, null, null, null, null, null],
      segments_m: [1213, 2812, 2433, 1683, 1958, 5357, 1965, 2026, 3799, 2368, 5441, 1546, 1652, 1158, 2366, 1683, 1312, 1481, 808],
    },
    {
      name: '首都机场线',
      name_en: 'Capital Airport Express',
      aliases: ['Capital Airport Express', 'CAE', 'Line 34', 'ABC'],
      loop: false,
      stations: ['3号航站楼', '2号航站楼', '三元桥', '东直门', '北新桥'],
      stations_display: ['3号航站楼', '2号航站楼', '三元桥', '东直门', '北新桥'],
      stations_pinyin: ['3haohangzhanlou', '2haohangzhanlou', 'Sanyuanqiao', 'Dongzhimen', 'Beixinqiao'],
      stations_en: ['PEK T3', 'PEK T1', null, null, null],
      segments_m: [7243, 20738, 3022, 1622],
    },
    {
      name: '大兴机场线',
      name_en: 'Daxing Airport Express',
      aliases: ['Daxing Airport Express', 'DAE', 'Line 35'],
      loop: false,
      stations: ['大兴机场', '大兴新城', '草桥'],
      stations_display: ['大兴机场', '大兴新城', '草桥'],
      stations_pinyin: ['Daxingjichang', 'Daxingxincheng', 'Caoqiao'],
      stations_en: ['Daxing Airport', null, null],
      segments_m: [25303, 13028],
    },
  ],
  transfers: [{ station: '大望路', lines: ['1号线', '14号线'] }, { station: '金台路', lines: ['14号线', '6号线'] }],
  virtual_transfers: [],
};
