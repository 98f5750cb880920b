// The web form's local editing backend: decap-server's file-system middleware on 127.0.0.1,
// refusing every request that names a path outside the content folder (ARCHIVE_CONTENT, relative
// to GIT_REPO_DIRECTORY): the form writes articles and photos, never the config, templates or code.
// Started by the live preview (archive/admin.py) with PORT, BIND_HOST and ARCHIVE_REFUSED set.
'use strict';
const path = require('path');
const express = require('express');
const { registerLocalFs } = require('decap-server/dist/middlewares');

const content = process.env.ARCHIVE_CONTENT || 'content';
const refusedMessage = process.env.ARCHIVE_REFUSED || 'refused: {path}';
const LOCAL_ORIGIN = /^https?:\/\/(localhost|127\.0\.0\.1)(:\d+)?$/;  // decap-server's own CORS rule
const PATH_KEYS = new Set(['path', 'newPath', 'folder', 'mediaFolder', 'paths']);

// A path the request names, as decap-server would join it to the repository: inside content/?
function inside(value) {
  if (typeof value !== 'string' || value.includes('\\') || value.includes('\0')) return false;
  const normal = path.posix.normalize(value);
  return !path.posix.isAbsolute(normal) && (normal === content || normal.startsWith(content + '/'));
}

// The first path named anywhere in the request's parameters that leaves content/, or null.
function outside(value, key) {
  if (Array.isArray(value)) {
    for (const item of value) {
      const found = outside(item, key);
      if (found !== null) return found;
    }
    return null;
  }
  if (value !== null && typeof value === 'object') {
    for (const [name, item] of Object.entries(value)) {
      const found = outside(item, name);
      if (found !== null) return found;
    }
    return null;
  }
  if (PATH_KEYS.has(key) && !inside(value)) return String(value);
  return null;
}

async function main() {
  const app = express();
  app.use('/api/v1', express.json({ limit: '50mb' }), (request, response, next) => {
    const found = request.body && request.body.params ? outside(request.body.params, '') : null;
    if (found !== null) {
      const origin = request.get('Origin');
      if (origin && LOCAL_ORIGIN.test(origin)) response.set('Access-Control-Allow-Origin', origin);
      response.status(422).json({ error: refusedMessage.replace('{path}', found) });
      return;
    }
    next();
  });
  await registerLocalFs(app, { logLevel: process.env.LOG_LEVEL || 'error' });
  const port = parseInt(process.env.PORT || '8081', 10);
  const host = process.env.BIND_HOST || '127.0.0.1';
  app.listen(port, host);
}

main();
