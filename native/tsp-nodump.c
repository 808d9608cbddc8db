/*
 * tsp-nodump.node: makes the calling node process non-dumpable (prctl PR_SET_DUMPABLE 0), so that
 * a process of the same uid cannot ptrace it, open its /proc/<pid>/mem or use process_vm_readv /
 * process_vm_writev on it. The JavaScript observer (src/sandbox/js-observer.cjs) loads it before it
 * reads any request: its sample processes are its children and run as its uid, and without this a
 * sample could read the harness's drawn secrets out of the observer's memory, or rewrite its checks
 * (docs/decisions/0002). Python's server and the native driver do the same through ctypes.
 * Built by scripts/build-launchers.sh into native/build/tsp-nodump.node.
 *
 * Exports: nodump() -> the dumpable flag read back after setting it (0 when it worked).
 */
#define NAPI_VERSION 8
#include <node_api.h>
#include <sys/prctl.h>

static napi_value nodump(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value out;
  int rc = prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
  int now = rc == 0 ? prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) : -1;
  napi_create_int32(env, now, &out);
  return out;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_value fn;
  if (napi_create_function(env, "nodump", NAPI_AUTO_LENGTH, nodump, NULL, &fn) == napi_ok)
    napi_set_named_property(env, exports, "nodump", fn);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
