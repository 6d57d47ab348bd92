/**
 * Compiled code running from dist/ keeps V8's compile cache of every module it loads
 * (v8-compile-cache, in the OS temp directory; DISABLE_V8_COMPILE_CACHE=1 turns it off): a
 * worker's start loads ~1,600 modules, and the cache spares about a sixth of the CPU time
 * that takes (BENCHMARKS.md). Node 20 has no built-in module compile cache (Node 22's module.enableCompileCache).
 * From the sources, tsx compiles and nothing is cached here.
 */
if (__filename.endsWith('.js')) require('v8-compile-cache');
