/**
 * The parks the annual pass knows (DOMAIN.md §6): 16 parks, 11 municipal (市属, run by the
 * Beijing Municipal Administration Center of Parks) and 5 district (区属).
 *
 * Confidence:
 *   - The 11 municipal parks are [S]: DOMAIN.md §6 names them, and a secondary page lists the
 *     same 11 as "北京市属公园 … 共11家" (jwbk.com, 2024).
 *   - 大观园 is [S] (DOMAIN.md §6).
 *   - The other four district parks are [U]: they come from one blog listing a 17-park pass of
 *     2022 (双秀公园, 国际雕塑园, 地坛公园, 月坛公园, besides 水立方 and 世园公园); which four
 *     of them are in the 2026 pass was not sourced. Replace them when the list is found.
 * Ids are ours [P]: stable ASCII names a gate is configured with.
 */
import type { Park } from '../types.js';

export const PARKS: readonly Park[] = [
  { id: 'summer-palace', name: { en: 'Summer Palace', zh: '颐和园' }, kind: 'municipal', confidence: 'S' },
  { id: 'temple-of-heaven', name: { en: 'Temple of Heaven Park', zh: '天坛公园' }, kind: 'municipal', confidence: 'S' },
  { id: 'beihai-park', name: { en: 'Beihai Park', zh: '北海公园' }, kind: 'municipal', confidence: 'S' },
  { id: 'zhongshan-park', name: { en: 'Zhongshan Park', zh: '中山公园' }, kind: 'municipal', confidence: 'S' },
  { id: 'jingshan-park', name: { en: 'Jingshan Park', zh: '景山公园' }, kind: 'municipal', confidence: 'S' },
  { id: 'fragrant-hills-park', name: { en: 'Fragrant Hills Park', zh: '香山公园' }, kind: 'municipal', confidence: 'S' },
  { id: 'beijing-zoo', name: { en: 'Beijing Zoo', zh: '北京动物园' }, kind: 'municipal', confidence: 'S' },
  {
    id: 'beijing-botanical-garden',
    name: { en: 'Beijing Botanical Garden', zh: '北京植物园' },
    kind: 'municipal',
    confidence: 'S',
    note: 'now the north garden of the China National Botanical Garden (国家植物园北园)',
  },
  { id: 'zizhuyuan-park', name: { en: 'Zizhuyuan Park', zh: '紫竹院公园' }, kind: 'municipal', confidence: 'S' },
  { id: 'taoranting-park', name: { en: 'Taoranting Park', zh: '陶然亭公园' }, kind: 'municipal', confidence: 'S' },
  { id: 'yuyuantan-park', name: { en: 'Yuyuantan Park', zh: '玉渊潭公园' }, kind: 'municipal', confidence: 'S' },
  { id: 'grand-view-garden', name: { en: 'Grand View Garden', zh: '北京大观园' }, kind: 'district', confidence: 'S' },
  { id: 'ditan-park', name: { en: 'Ditan Park', zh: '地坛公园' }, kind: 'district', confidence: 'U', note: 'in a 2022 pass list (one blog); 2026 not sourced' },
  { id: 'yuetan-park', name: { en: 'Yuetan Park', zh: '月坛公园' }, kind: 'district', confidence: 'U', note: 'in a 2022 pass list (one blog); 2026 not sourced' },
  { id: 'shuangxiu-park', name: { en: 'Shuangxiu Park', zh: '双秀公园' }, kind: 'district', confidence: 'U', note: 'in a 2022 pass list (one blog); 2026 not sourced' },
  {
    id: 'international-sculpture-park',
    name: { en: 'Beijing International Sculpture Park', zh: '北京国际雕塑公园' },
    kind: 'district',
    confidence: 'U',
    note: 'in a 2022 pass list (one blog); 2026 not sourced',
  },
];
