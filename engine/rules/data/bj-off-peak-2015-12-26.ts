/** The first off-peak scheme: 30 % off at 16 stations of the Batong and Changping lines. */
import type { OffPeakScheme } from '../tariff-types.js';

export const BJ_OFF_PEAK_2015_12_26: OffPeakScheme = {
  kind: 'subway-off-peak',
  id: 'bj-off-peak-2015-12-26',
  title: 'Off-peak trial: 30 % off for workday entries at or before 07:00 at 16 Batong and Changping line stations',
  titleZh: '低峰优惠试行：工作日7:00（含）前在八通线、昌平线16座车站进站，票价7折',
  effective: { from: '2015-12-26', to: '2016-12-31' },
  sources: [
    'DOMAIN.md §5 (30 % off at 16 stations of the Batong and Changping lines in 2015 [V]/[S]; the station names of the current list)',
    'China News Service 2015-12-22, "北京地铁八通线、昌平线16座车站将试行低峰7折票价优惠" (chinadaily.com.cn mirror): the 16 stations, 7:00 inclusive, working days per the State Council schedule, time per the AFC record, multiplied onto the monthly discount, exits at airport-line stations excluded, trial from the new-line opening at the end of 2015 to 2016-12-31',
    'Xinhua 2015-12-28: the trial started that day (the first working day after the 26 December openings)',
  ],
  marks: {
    stations: { mark: 'S', note: 'the 11 Batong-section stations 土桥 … 高碑店 and the 5 Changping line stations 南邵 … 朱辛庄 of DOMAIN.md\'s list (one news notice names the same 16)' },
    rateMille: { mark: 'S', note: '30 % off (pay 70 %), on top of the monthly discount' },
    entryUntil: { mark: 'S', note: '"7:00(含)前": 07:00 inclusive; compared to the minute (07:00:59 qualifies) [U]' },
    effective: { mark: 'S', note: 'from the new-line opening of 26 December 2015 (a Saturday; first working day 28 December) to 31 December 2016' },
  },
  rateMille: 700,
  entryUntil: '07:00',
  days: 'workdays',
  stations: [
    '土桥', '临河里', '梨园', '九棵树', '果园', '通州北苑', '八里桥', '管庄', '双桥', '传媒大学', '高碑店',
    '南邵', '沙河高教园', '沙河', '巩华城', '朱辛庄',
  ],
};
