// The web form's local editing backend, beside the live preview (started by backend.py, on
// 127.0.0.1 at the preview's port + 1). It speaks the protocol of decap-server's file-system
// backend (what Decap CMS's local_backend posts: {action, params}, answered in JSON), and answers
// every action the form uses itself, so that each check below holds for all of them:
// - only the preview's own page may call: the Host must be this server's address (ARCHIVE_HOSTS),
//   the Origin (or, without one, the Referer) one of the preview's (ARCHIVE_ORIGINS), and the
//   path /api/v1/<this session's key> (ARCHIVE_TOKEN: made by `serve`, given to the page by the
//   preview, never written into output/); anything else gets 403;
// - a body is JSON of at most 50 MB and 20 levels, its depth counted before it is parsed;
// - every path it names lies in content/ once every symbolic link is resolved: the path itself and
//   each of its parents that exists (realpath), for reads, saves, photos and deletions alike;
// - a save is written to a temporary file beside the old one and renamed over it (never a torn
//   file), and only while the file on disk is still the one the form was given (else 409: it was
//   edited by hand meanwhile, and keeps that edit); an entry is never moved or renamed (the form
//   sends no newPath for this collection), and a photo never replaces an article.
// Every refusal prints one line, its names cut to 100 characters, never a body or a stack.
// Its words come from archive/common/messages.py (ARCHIVE_MESSAGES).
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const http = require('http');
const path = require('path');

const environment = process.env;
const root = path.resolve(environment.ARCHIVE_ROOT || process.cwd());
const CONTENT = environment.ARCHIVE_CONTENT || 'content';
const TOKEN = Buffer.from(environment.ARCHIVE_TOKEN || '', 'utf8');
const HOSTS = new Set(names(environment.ARCHIVE_HOSTS));
const ORIGINS = new Set(names(environment.ARCHIVE_ORIGINS));
const TEXTS = JSON.parse(environment.ARCHIVE_MESSAGES || '{}');
const MOST_BYTES = 50 * 1024 * 1024;  // a photo, in base64
const MOST_DEPTH = 20;  // the form's deepest body has 4 levels
const SHOWN = 100;  // characters of a name the terminal shows
const ENTRY = new RegExp(`^${CONTENT}/([^/]+/)?[^/]+\\.md$`);  // the collection: content/<year>/<name>.md
const seen = new Map();  // path -> sha256 of what the form was last given or saved there (null: none)

function names(text) {
  return (text || '').split(',').map(name => name.trim().toLowerCase()).filter(Boolean);
}

function say(key, values = {}) {
  const text = TEXTS[key] || key;
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in values ? String(values[name]) : whole));
}

// A name as a message shows it: quoted, on one line, at most SHOWN characters.
function shown(value) {
  let text = String(value).replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, '?');
  if (text.length > SHOWN) text = text.slice(0, SHOWN) + '…';
  return `'${text}'`;
}

class Refusal extends Error {
  constructor(status, key, values) {
    super(key);
    this.status = status;
    this.text = say(key, values);
  }
}

const refused = value => new Refusal(422, 'form.backend.refused', { path: shown(value) });
const malformed = field => new Refusal(400, 'form.backend.bad_request', { field });

function sha256(bytes) {
  return crypto.createHash('sha256').update(bytes).digest('hex');
}

// --- Who may call --------------------------------------------------------------------------------

function originOf(request) {
  const origin = request.headers.origin;
  if (origin !== undefined) return String(origin).toLowerCase();
  const referer = request.headers.referer;
  if (referer === undefined) return '';
  try {
    return new URL(String(referer)).origin.toLowerCase();
  } catch (error) {
    return '';
  }
}

function hasToken(url) {
  const given = Buffer.from(String(url).split('?')[0], 'utf8');
  const wanted = Buffer.from('/api/v1/' + TOKEN.toString('utf8'), 'utf8');
  return given.length === wanted.length && crypto.timingSafeEqual(given, wanted);
}

// --- The body ------------------------------------------------------------------------------------

function readBody(request) {
  return new Promise((resolve, reject) => {
    if (Number(request.headers['content-length'] || 0) > MOST_BYTES) {  // said before it is sent
      reject(new Refusal(413, 'form.backend.too_large', { size: '50 MB' }));
      return;
    }
    const chunks = [];
    let size = 0;
    request.on('data', chunk => {
      size += chunk.length;
      if (size > MOST_BYTES) {
        request.pause();
        reject(new Refusal(413, 'form.backend.too_large', { size: '50 MB' }));
      } else {
        chunks.push(chunk);
      }
    });
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

// Deeper than `most` levels of [ and {, counted outside strings (before JSON.parse builds anything).
function tooDeep(text, most) {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (inString) {
      if (code === 92) i++;  // \ : the next character is escaped
      else if (code === 34) inString = false;
    } else if (code === 34) {
      inString = true;
    } else if (code === 91 || code === 123) {
      if (++depth > most) return true;
    } else if (code === 93 || code === 125) {
      depth--;
    }
  }
  return false;
}

function parse(bytes) {
  let text;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (error) {
    throw new Refusal(400, 'form.backend.bad_json', {});
  }
  if (tooDeep(text, MOST_DEPTH)) throw new Refusal(400, 'form.backend.too_deep', { depth: MOST_DEPTH });
  let body;
  try {
    body = JSON.parse(text);
  } catch (error) {
    throw new Refusal(400, 'form.backend.bad_json', {});
  }
  if (!isObject(body) || typeof body.action !== 'string') throw malformed('action');
  return body;
}

function isObject(value) {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function string(object, key) {
  if (!isObject(object) || typeof object[key] !== 'string') throw malformed(key);
  return object[key];
}

function list(object, key) {
  if (!isObject(object) || !Array.isArray(object[key])) throw malformed(key);
  return object[key];
}

// --- Paths ---------------------------------------------------------------------------------------

function within(real, folder) {
  return real === folder || real.startsWith(folder + path.sep);
}

function exists(at) {
  try {
    fs.lstatSync(at);
    return true;
  } catch (error) {
    if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return false;
    throw error;
  }
}

// The path the request names, as a place under content/: {relative, file}; refused (422) when it
// leaves content/, written or resolved: the path itself and each existing parent, links resolved.
function place(value) {
  if (typeof value !== 'string') throw malformed('path');
  const normal = path.posix.normalize(value);
  if (value.includes('\\') || value.includes('\0') || path.posix.isAbsolute(normal) ||
      !(normal === CONTENT || normal.startsWith(CONTENT + '/'))) {
    throw refused(value);
  }
  if (normal.length > 1000 || normal.split('/').some(part => Buffer.byteLength(part) > 255)) {
    throw new Refusal(422, 'form.backend.too_long', { path: shown(value) });
  }
  const top = path.join(root, CONTENT);
  let inside;
  try {
    inside = fs.realpathSync(top);
  } catch (error) {
    throw refused(value);
  }
  const file = path.join(root, ...normal.split('/'));
  for (let at = file; ; at = path.dirname(at)) {
    if (exists(at)) {
      let real;
      try {
        real = fs.realpathSync(at);
      } catch (error) {  // a link to nowhere: where it would lead is not known
        throw refused(value);
      }
      if (!within(real, inside)) throw refused(value);
    }
    if (at === top) break;
  }
  return { relative: normal, file };
}

// A place the form may write: no hidden name (a dot first: editors' and our own temporary files).
function writable(value) {
  const found = place(value);
  if (found.relative.split('/').some(part => part.startsWith('.'))) {
    throw new Refusal(422, 'form.backend.hidden', { path: shown(value) });
  }
  return found;
}

// An entry's place: content/<year>/<name>.md, as the collection saves it.
function entryPlace(value) {
  const found = writable(value);
  if (!ENTRY.test(found.relative)) throw new Refusal(422, 'form.backend.not_article', { path: shown(value) });
  return found;
}

// A photo's place: anywhere in content/ but never an article's name.
function mediaPlace(value) {
  const found = writable(value);
  if (found.relative.toLowerCase().endsWith('.md')) {
    throw new Refusal(422, 'form.backend.not_media', { path: shown(value) });
  }
  return found;
}

// --- Files ---------------------------------------------------------------------------------------

// The bytes of a regular file at `file`, or null when there is none (a folder, a FIFO or a device
// is refused: reading a FIFO would wait for ever).
function readFile(found) {
  let stat;
  try {
    stat = fs.statSync(found.file);
  } catch (error) {
    if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return null;
    throw error;
  }
  if (!stat.isFile()) throw new Refusal(422, 'form.backend.not_file', { path: shown(found.relative) });
  return fs.readFileSync(found.file);
}

// The file at `found` must be what the form was last given there (or there must be none): else
// 409, and nothing is written. A file the form never read is never replaced.
function unchanged(found) {
  const bytes = readFile(found);
  if (bytes !== null && seen.get(found.relative) !== sha256(bytes)) {
    throw new Refusal(409, 'form.backend.conflict', { path: shown(found.relative) });
  }
}

// Write `bytes` to a temporary file beside `found` and rename it over: a reader sees the old file
// or the new one, whole, never a part of either. The old file's permissions are kept.
function writeAtomically(found, bytes) {
  const folder = path.dirname(found.file);
  fs.mkdirSync(folder, { recursive: true });
  let mode = null;
  try {
    mode = fs.statSync(found.file).mode & 0o7777;
  } catch (error) {
    if (error.code !== 'ENOENT') throw error;
  }
  const temporary = path.join(folder, `.${path.basename(found.file).slice(0, 100)}.` +
                              `${crypto.randomBytes(6).toString('hex')}.tmp`);
  const handle = fs.openSync(temporary, 'wx', 0o666);
  try {
    try {
      let written = 0;
      while (written < bytes.length) written += fs.writeSync(handle, bytes, written, bytes.length - written);
      if (mode !== null) fs.fchmodSync(handle, mode);
      fs.fsyncSync(handle);
    } finally {
      fs.closeSync(handle);
    }
    fs.renameSync(temporary, found.file);
  } catch (error) {
    fs.rmSync(temporary, { force: true });
    throw error;
  }
  try {  // the rename itself, on disk
    const directory = fs.openSync(folder, 'r');
    try {
      fs.fsyncSync(directory);
    } finally {
      fs.closeSync(directory);
    }
  } catch (error) {
    // (a file system that cannot sync a folder: the rename is done all the same)
  }
  seen.set(found.relative, sha256(bytes));
}

// The files of `folder` (a place) down to `depth` levels whose names end in `extension`: not the
// hidden ones, nor links that lead out of content/ or to anything but a file.
function listFiles(folder, extension, depth) {
  const inside = fs.realpathSync(path.join(root, CONTENT));
  const found = [];
  const stack = [[folder.file, folder.relative, depth]];
  while (stack.length > 0) {
    const [directory, relative, left] = stack.pop();
    if (left <= 0) continue;
    let entries;
    try {
      entries = fs.readdirSync(directory, { withFileTypes: true });
    } catch (error) {
      continue;
    }
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      const file = path.join(directory, entry.name);
      const name = `${relative}/${entry.name}`;
      if (entry.isDirectory()) {
        stack.push([file, name, left - 1]);
      } else if ((entry.isFile() || entry.isSymbolicLink()) && name.endsWith(extension)) {
        try {
          if (within(fs.realpathSync(file), inside) && fs.statSync(file).isFile()) found.push({ relative: name, file });
        } catch (error) {
          // a link to nowhere: left out
        }
      }
    }
  }
  return found.sort((a, b) => (a.relative < b.relative ? -1 : a.relative > b.relative ? 1 : 0));
}

function entryOf(found, label) {
  const bytes = readFile(found);
  const id = bytes === null ? null : sha256(bytes);
  seen.set(found.relative, id);
  return { data: bytes === null ? null : bytes.toString('utf8'), file: { path: found.relative, label, id } };
}

function mediaOf(found) {
  const bytes = readFile(found);
  if (bytes === null) throw new Refusal(404, 'form.backend.missing_file', { path: shown(found.relative) });
  const id = sha256(bytes);
  seen.set(found.relative, id);
  return { id, content: bytes.toString('base64'), encoding: 'base64', path: found.relative,
           name: path.posix.basename(found.relative) };
}

function decoded(asset) {
  if (string(asset, 'encoding') !== 'base64') throw malformed('encoding');
  return Buffer.from(string(asset, 'content'), 'base64');
}

// --- The actions ---------------------------------------------------------------------------------

const ACTIONS = {
  info: () => ({ repo: path.basename(root), publish_modes: ['simple'], type: 'local_fs' }),

  entriesByFolder: params => {
    const depth = isObject(params) && Number.isInteger(params.depth) ? params.depth : 1;
    return listFiles(place(string(params, 'folder')), string(params, 'extension'), Math.min(depth, 10))
      .map(found => entryOf(found));
  },

  entriesByFiles: params => list(params, 'files').map(file => entryOf(place(string(file, 'path')),
    isObject(file) && typeof file.label === 'string' ? file.label : undefined)),

  getEntry: params => entryOf(place(string(params, 'path'))),

  persistEntry: params => {
    const dataFiles = isObject(params) && params.dataFiles !== undefined ? list(params, 'dataFiles')
      : [isObject(params) && isObject(params.entry) ? params.entry : {}];
    const entries = dataFiles.map(dataFile => {
      const found = entryPlace(string(dataFile, 'path'));
      if (dataFile.newPath !== undefined && dataFile.newPath !== null) {
        throw new Refusal(422, 'form.backend.moved', { path: shown(found.relative), target: shown(dataFile.newPath) });
      }
      return { found, bytes: Buffer.from(string(dataFile, 'raw'), 'utf8') };
    });
    const assets = list(params, 'assets').map(asset => ({ found: mediaPlace(string(asset, 'path')),
                                                         bytes: decoded(asset) }));
    const all = [...assets, ...entries];
    all.forEach(({ found }) => unchanged(found));  // every check before anything is written
    all.forEach(({ found, bytes }) => writeAtomically(found, bytes));
    return { message: 'entry persisted' };
  },

  getMedia: params => listFiles(place(string(params, 'mediaFolder')), '', 1).map(mediaOf),

  getMediaFile: params => mediaOf(place(string(params, 'path'))),

  persistMedia: params => {
    const asset = isObject(params) ? params.asset : undefined;
    const found = mediaPlace(string(asset, 'path'));
    const bytes = decoded(asset);
    unchanged(found);
    writeAtomically(found, bytes);
    return mediaOf(found);
  },

  deleteFile: params => {
    remove([writable(string(params, 'path'))]);
    return { message: 'deleted file' };
  },

  deleteFiles: params => {
    remove(list(params, 'paths').map(value => writable(value)));
    return { message: 'deleted files' };
  },

  getDeployPreview: () => null,
};

function remove(places) {
  places.forEach(unchanged);
  for (const found of places) {
    fs.rmSync(found.file, { force: true });
    seen.set(found.relative, null);
  }
}

// --- The server ----------------------------------------------------------------------------------

function answer(response, status, body, origin) {
  const text = JSON.stringify(body);
  const headers = { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store',
                    'X-Content-Type-Options': 'nosniff', Vary: 'Origin' };
  if (origin) headers['Access-Control-Allow-Origin'] = origin;
  response.writeHead(status, headers);
  response.end(text);
}

function refuse(response, refusal, origin) {
  console.error(refusal.text);
  if (refusal.status === 413) response.setHeader('Connection', 'close');
  answer(response, refusal.status, { error: refusal.text }, origin);
}

async function handle(request, response) {
  const host = String(request.headers.host || '');
  if (!HOSTS.has(host.toLowerCase())) {
    refuse(response, new Refusal(403, 'form.backend.refused_host', { host: shown(host) }));
    return;
  }
  const origin = originOf(request);
  if (!ORIGINS.has(origin)) {
    refuse(response, new Refusal(403, 'form.backend.refused_origin', { origin: shown(origin) }));
    return;
  }
  if (!hasToken(request.url)) {
    refuse(response, new Refusal(403, 'form.backend.refused_token', {}));
    return;
  }
  if (request.method === 'OPTIONS') {  // the browser's preflight, for the JSON body
    response.writeHead(204, { 'Access-Control-Allow-Origin': origin, 'Access-Control-Allow-Methods': 'POST',
                              'Access-Control-Allow-Headers': 'Content-Type', 'Access-Control-Max-Age': '600',
                              Vary: 'Origin' });
    response.end();
    return;
  }
  try {
    if (request.method !== 'POST') throw new Refusal(405, 'form.backend.bad_request', { field: 'POST' });
    if (!String(request.headers['content-type'] || '').toLowerCase().startsWith('application/json')) {
      throw malformed('Content-Type: application/json');
    }
    const body = parse(await readBody(request));
    const action = Object.prototype.hasOwnProperty.call(ACTIONS, body.action) ? ACTIONS[body.action] : null;
    if (action === null) throw new Refusal(422, 'form.backend.unknown_action', { action: shown(body.action) });
    answer(response, 200, action(body.params), origin);
  } catch (error) {
    if (error instanceof Refusal) {
      refuse(response, error, origin);
    } else {  // the system refused (a full disk, a permission): its code, never the request
      refuse(response, new Refusal(500, 'form.backend.failed', { error: shown(error.code || error.message) }), origin);
    }
  }
}

function main() {
  if (TOKEN.length < 16 || HOSTS.size === 0 || ORIGINS.size === 0) {
    console.error(say('form.backend.unsafe'));
    process.exit(2);
  }
  const server = http.createServer((request, response) => {
    handle(request, response).catch(() => {
      if (!response.headersSent) answer(response, 500, { error: say('form.backend.failed', { error: '' }) });
      else response.destroy();
    });
  });
  server.on('error', error => {
    console.error(say('form.backend.failed', { error: shown(error.code || error.message) }));
    process.exit(1);
  });
  server.listen(parseInt(environment.PORT || '8081', 10), environment.BIND_HOST || '127.0.0.1');
}

main();
