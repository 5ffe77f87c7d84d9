/** The current off-peak scheme: 50 % off at 25 stations (Batong section, Changping line, line 6 east). */
import type { OffPeakScheme } from '../tariff-types.js';

export const BJ_OFF_PEAK_2017_01_01: OffPeakScheme = {
  kind: 'subway-off-peak',
  id: 'bj-off-peak-2017-01-01',
  title: 'Off-peak discount: 50 % off for workday entries at or before 07:00 at 25 stations',
  titleZh: '低峰优惠：工作日7:00（含）前在25座车站进站，票价5折',
  effective: { from: '2017-01-01', to: null },
  sources: [
    'DOMAIN.md §5 (the current scheme: 50 % off at 25 stations [S], with the station list)',
    'the network file\'s source (Mick235711/Beijing-Subway-Tools, MIT): "大路网 - 低峰优惠", portion 0.5, workdays until 07:00, the same 25 stations (24 in its older versions, without 通运门)',
    'a bilingual forum post: the 50 % discount "began on January 1" at line 6 stations (year not given)',
  ],
  marks: {
    stations: { mark: 'S', note: 'the 25 stations of DOMAIN.md §5: 11 Batong-section, 5 Changping line, 9 line 6' },
    rateMille: { mark: 'S', note: '50 % off (pay 50 %), multiplied onto the monthly discount' },
    entryUntil: { mark: 'S', note: '07:00 inclusive; compared to the minute [U]' },
    effective: {
      mark: 'U',
      note: 'the 2015 trial ended 2016-12-31 and a secondary source puts the start of the 50 % scheme on a 1 January; 2017-01-01 is chosen. 通运门 joined the list later (date unknown): a dated 24-station file would be needed to price 2017–20xx trips there exactly',
    },
  },
  rateMille: 500,
  entryUntil: '07:00',
  days: 'workdays',
  stations: [
    '土桥', '临河里', '梨园', '九棵树', '果园', '通州北苑', '八里桥', '管庄', '双桥', '传媒大学', '高碑店',
    '南邵', '沙河高教园', '沙河', '巩华城', '朱辛庄',
    '北运河西', '通运门', '通州北关', '物资学院路', '常营', '草房', '黄渠', '褡裢坡', '青年路',
  ],
};
