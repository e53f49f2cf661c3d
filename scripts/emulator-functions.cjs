// Loaded into the emulators' Node process (NODE_OPTIONS=--require) by scripts/emulators.sh.
// Four additions to the Functions emulator of firebase-tools, for the local stack only (tests,
// `make dev`, bench); a deployed function is not affected.
//
// 1. A bounded number of idle Python workers. The emulator starts a worker for every request
//    that finds its function's workers busy and keeps it for the rest of the run, so a run
//    that touches a hundred functions holds hundreds of them. Here, beyond
//    EMULATOR_IDLE_WORKERS idle workers (default 100 with forked workers, 40 without), a
//    function's second idle worker is stopped before any function's last one, the least
//    recently used first; a function called again starts a new one, as a deployed function's
//    cold start. The emulator's own stop (`refresh`) ends only the shell and leaves the
//    Python process behind: here the whole process tree is ended.
//
// 2. Distinct ports for workers that start together (distinctWorkerPorts below).
//
// 3. A pause for background triggers that is cheap to lift. The hub's
//    PUT /functions/disableBackgroundTriggers waits for running functions and then drops
//    events, but PUT /functions/enableBackgroundTriggers reloads every trigger definition:
//    it runs the Python discovery again and stops every idle worker (seconds each time). The test
//    suite restores the demo data between tests with the triggers paused (the demo snapshot
//    already holds what they derive), so the hub gets two more routes:
//      PUT /functions/pauseBackgroundTriggers   the hub's disable: waits for running work, then
//                                               drops events
//      PUT /functions/resumeBackgroundTriggers  takes events again, without a reload
//    and one to see whether the functions are done (tests wait on it instead of sleeping):
//      GET /functions/work                      {"running": [what runs], "queued": n}
//
// 4. Forked Python workers (scripts/functions_forkserver.py): instead of a new interpreter
//    that imports every library before its first request, a worker is forked from one process
//    that imported them once. EMULATOR_FORK_WORKERS=0 runs functions-framework as the emulator
//    does.
'use strict';

const fs = require('fs');

const isEmulatorCli = /firebase$/.test(process.argv[1] || '') && process.argv.some((a) => a.startsWith('emulators:'));

const path = require('path');

function resolveEmulator(name) {
  return require.resolve(`firebase-tools/lib/emulator/${name}`, { paths: [process.cwd()] });
}

function load(name) {
  return require(resolveEmulator(name));
}

function childrenOf(pid) {
  try {
    return fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

function endTree(pid) {
  // An idle worker has nothing in flight: SIGKILL, children first. (On SIGTERM gunicorn
  // shuts down gracefully and its socket keeps listening meanwhile: a new worker given the
  // same port is then "ready" at once, and its first request reaches the old function.)
  for (const child of childrenOf(pid)) endTree(child);
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

function boundIdleWorkers(workerModule) {
  const limit = Number.parseInt(process.env.EMULATOR_IDLE_WORKERS || (forking ? '100' : '40'), 10);
  const { RuntimeWorkerPool, RuntimeWorkerState } = workerModule;
  const pool = RuntimeWorkerPool.prototype;
  const idleWorkers = (self) => [...self.workers.values()].flat().filter((w) => w.state === RuntimeWorkerState.IDLE);

  const getIdleWorker = pool.getIdleWorker;
  pool.getIdleWorker = function (triggerId) {
    const worker = getIdleWorker.call(this, triggerId);
    if (worker) worker.lastUsed = Date.now();
    return worker;
  };

  const addWorker = pool.addWorker;
  pool.addWorker = function (...args) {
    const worker = addWorker.apply(this, args);
    worker.lastUsed = Date.now();
    // Beyond the limit, a function's second idle worker goes before any function's last one,
    // the least recently used first.
    const idle = idleWorkers(this).sort((a, b) => (a.lastUsed || 0) - (b.lastUsed || 0));
    const count = new Map();
    for (const w of idle) count.set(w.triggerKey, (count.get(w.triggerKey) || 0) + 1);
    while (idle.length > limit) {
      const at = Math.max(0, idle.findIndex((w) => count.get(w.triggerKey) > 1));
      const [w] = idle.splice(at, 1);
      count.set(w.triggerKey, count.get(w.triggerKey) - 1);
      w.state = RuntimeWorkerState.FINISHING;
      endTree(w.runtime.process.pid);
    }
    return worker;
  };

  const refresh = pool.refresh;
  pool.refresh = function () {
    for (const w of idleWorkers(this)) endTree(w.runtime.process.pid);
    refresh.call(this);
  };
}

function distinctWorkerPorts(portfinder) {
  // Each new worker gets a random free port, checked when it is chosen; two workers starting
  // together could be given the same one (the second then fails with "Connection in use" and
  // the requests meant for it reach the first, another function). A port handed out in the
  // last minute is not handed out again: a worker binds it within seconds.
  const given = new Map();
  const getPortPromise = portfinder.getPortPromise;
  portfinder.getPortPromise = async function (options = {}) {
    let next = { ...options };
    for (;;) {
      const port = await getPortPromise.call(this, next);
      const now = Date.now();
      for (const [p, at] of given) if (now - at > 60_000) given.delete(p);
      if (!given.has(port)) {
        given.set(port, now);
        return port;
      }
      next = { ...next, port: port + 1 };
    }
  };
}

function pausableTriggers(hubModule, registryModule) {
  const { EmulatorHub } = hubModule;
  const { EmulatorRegistry } = registryModule;
  const paused = new Set();
  const createExpressApp = EmulatorHub.prototype.createExpressApp;

  EmulatorHub.prototype.createExpressApp = async function () {
    const app = await createExpressApp.call(this);
    app.put('/functions/pauseBackgroundTriggers', async (req, res) => {
      const functions = EmulatorRegistry.get('functions');
      if (!functions) {
        res.status(400).json({ error: 'The Cloud Functions emulator is not running.' });
        return;
      }
      for (const [key, record] of Object.entries(functions.triggers)) {
        if (record.def.eventTrigger && record.enabled) paused.add(key);
      }
      try {
        await functions.disableBackgroundTriggers();
        res.status(200).json({ enabled: false });
      } catch (err) {
        res.status(503).json({ error: `Functions still running: ${err}` });
      }
    });
    app.get('/functions/work', (req, res) => {
      const functions = EmulatorRegistry.get('functions');
      const state = functions ? functions.workQueue.getState() : { runningWork: [], queueLength: 0 };
      res.status(200).json({ running: state.runningWork, queued: state.queueLength });
    });
    app.put('/functions/resumeBackgroundTriggers', (req, res) => {
      const functions = EmulatorRegistry.get('functions');
      if (functions) {
        for (const key of paused) {
          const record = functions.triggers[key];
          if (record) record.enabled = true;
        }
      }
      paused.clear();
      res.status(200).json({ enabled: true });
    });
    return app;
  };
}

const forking = process.env.EMULATOR_FORK_WORKERS !== '0';

function forkedWorkers(pythonModule) {
  const shim = path.join(__dirname, 'functions_forkserver.py');
  process.env.FUNCTIONS_EMULATOR_PID = String(process.pid); // one fork server per emulator process
  const runWithVirtualEnv = pythonModule.runWithVirtualEnv;
  pythonModule.runWithVirtualEnv = function (commandAndArgs, ...rest) {
    const worker = commandAndArgs.length === 1 && commandAndArgs[0] === 'functions-framework';
    return runWithVirtualEnv.call(this, worker ? ['python', '-S', `"${shim}"`] : commandAndArgs, ...rest);
  };
}

if (isEmulatorCli) {
  try {
    if (forking) forkedWorkers(require(require.resolve('firebase-tools/lib/functions/python', { paths: [process.cwd()] })));
    boundIdleWorkers(load('functionsRuntimeWorker'));
    const emulatorDir = path.dirname(resolveEmulator('functionsEmulator'));
    distinctWorkerPorts(require(require.resolve('portfinder', { paths: [emulatorDir] })));
    pausableTriggers(load('hub'), load('registry'));
  } catch (err) {
    process.stderr.write(`emulator-functions.cjs: not applied (${err})\n`);
  }
}
