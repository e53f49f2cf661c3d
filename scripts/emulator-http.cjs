// Loaded into the emulators' Node process (NODE_OPTIONS=--require) by scripts/emulators.sh.
//
// The Functions emulator forwards each request to a Python worker (functions-framework on
// gunicorn) through Node's global HTTP agent, which keeps idle connections for 5 s, while
// gunicorn closes an idle connection after 2 s. A request sent on a kept connection in the
// instant gunicorn closes it fails with ECONNRESET ("socket hang up"): the emulator answers
// 500 and kills the worker. Without kept connections there is no such instant. Deployed
// functions are not affected: Cloud Run's front end manages its own connections.
const http = require('http');

http.globalAgent = new http.Agent({ keepAlive: false });
