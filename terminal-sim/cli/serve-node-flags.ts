/**
 * Node flags `npm start` gives the process that runs `ssc3 serve` (package.json "start"; the
 * server benchmark starts its server with them too, and a test keeps the two in step).
 *
 * --single-threaded-gc: V8 collects garbage on the thread that made it instead of also on four
 * helper threads. A tap leaves about 67 KB of young garbage, and on a machine whose cores the
 * HTTP thread, the service thread and the load already share, the helpers' scavenging cost about
 * 40 µs of CPU a tap while saving the service thread almost nothing. Without them the server did
 * 5 % more taps per CPU second and the busy row 3 % more taps a second (eight alternating runs
 * each, README "Benchmarks", 27 November). V8 flags cannot change once the process runs (set from
 * JavaScript, this one crashed V8's next collection), so they go on the command line.
 */
export const SERVE_NODE_FLAGS: readonly string[] = ['--single-threaded-gc'];
