-- The environment every script runs in, built once per Lua state (this is
-- loopkv's own code; the chunk is named "=loopkv" so that error positions
-- never point into it). It is called with the table of functions written
-- in Rust and returns the script runner, the error handler and the
-- read-only globals scripts see.
--
-- What scripts observe, as on Redis 7.0:
-- * the globals table and every table reachable from it are read-only
--   ("Attempt to modify a readonly table"), also through rawset,
--   setmetatable and table.insert/remove/sort;
-- * reading a global that does not exist is an error;
-- * no bytecode can be loaded, and code loaded by loadstring/load runs
--   under the same read-only globals;
-- * the libraries are the ones Redis opens, without os, io, package,
--   debug, print, dofile, loadfile, setfenv and getfenv.
--
-- Read-only tables are empty proxies whose metatable reads through to the
-- real table and refuses writes; the base functions that bypass
-- metatables (rawset, rawget, next, pairs, ipairs, unpack, getmetatable,
-- setmetatable, the table library) are wrapped to see through them.

local rust, functions = ...
local G = _G

local type, error, tostring, select, pairs, ipairs = type, error, tostring, select, pairs, ipairs
local pcall, xpcall = pcall, xpcall
local rawget, rawset, next = rawget, rawset, next
local setmetatable, getmetatable = setmetatable, getmetatable
local setfenv, loadstring, load, unpack = setfenv, loadstring, load, unpack
local concat, insert, remove, sort, maxn = table.concat, table.insert, table.remove, table.sort, table.maxn

for _, name in ipairs({ "os", "io", "package", "require", "module", "dofile", "loadfile", "print",
  "setfenv", "getfenv", "newproxy" }) do
  G[name] = nil
end

-- proxy -> the table it stands for, and what getmetatable shows of it.
local behind, shown = {}, {}

local function readonly_error()
  error("Attempt to modify a readonly table", 2)
end

local function refuse(t)
  if behind[t] then
    error("Attempt to modify a readonly table", 0)
  end
end

-- Returns the proxy and its metatable.
local function protect(t, view)
  local proxy = {}
  behind[proxy] = t
  shown[proxy] = view
  local meta = { __index = t, __newindex = readonly_error, __metatable = false }
  setmetatable(proxy, meta)
  return proxy, meta
end

local function missing_global(_, name)
  error("Script attempted to access nonexistent global variable '" .. tostring(name) .. "'", 2)
end

-- ---- the base functions, seeing through proxies ----------------------------------

G.rawset = function(t, k, v)
  refuse(t)
  return rawset(t, k, v)
end
G.rawget = function(t, k)
  return rawget(behind[t] or t, k)
end
local function see_through_next(t, k)
  return next(behind[t] or t, k)
end
G.next = see_through_next
G.pairs = function(t)
  if behind[t] then
    return see_through_next, t, nil
  end
  return pairs(t)
end
G.ipairs = function(t)
  local real = behind[t]
  if real then
    return function(_, i)
      i = i + 1
      local v = rawget(real, i)
      if v ~= nil then
        return i, v
      end
    end, t, 0
  end
  return ipairs(t)
end
G.unpack = function(t, ...)
  return unpack(behind[t] or t, ...)
end
local string_meta = getmetatable("")
G.setmetatable = function(t, m)
  refuse(t)
  if t == string_meta then
    error("Attempt to modify a readonly table", 0)
  end
  return setmetatable(t, m)
end

-- ---- loading code: text only, under the read-only globals --------------------------

local globals -- the proxy of G, set below
local function text_only(code, name)
  if type(code) == "string" and code:byte(1) == 27 then
    return nil, "binary chunks are not allowed"
  end
  local f, err = loadstring(code, name)
  if f then
    setfenv(f, globals)
  end
  return f, err
end
G.loadstring = text_only
G.load = function(reader, name)
  if type(reader) ~= "function" then
    return load(reader, name)
  end
  local parts = {}
  while true do
    local piece = reader()
    if piece == nil or piece == "" then
      break
    end
    if type(piece) ~= "string" then
      return nil, "reader function must return a string"
    end
    parts[#parts + 1] = piece
  end
  return text_only(concat(parts), name or "=(load)")
end

-- ---- the table library ---------------------------------------------------------------

local tablelib = G.table
tablelib.insert = function(t, ...)
  refuse(t)
  return insert(t, ...)
end
tablelib.remove = function(t, ...)
  refuse(t)
  return remove(t, ...)
end
tablelib.sort = function(t, ...)
  refuse(t)
  return sort(t, ...)
end
tablelib.concat = function(t, ...)
  return concat(behind[t] or t, ...)
end
tablelib.maxn = function(t)
  return maxn(behind[t] or t)
end

-- Redis's math.random: rand48, so scripts draw the numbers Redis draws.
G.math.random = rust.random
G.math.randomseed = rust.randomseed

-- ---- errors: a table {err=..., source=..., line=...} -------------------------------

-- The position reported is the innermost frame of the script's own code:
-- C functions and this chunk are skipped.
local position, unwrap = rust.position, rust.unwrap
local function error_handler(err)
  if type(err) == "userdata" then
    err = unwrap(err)
  end
  if type(err) ~= "table" then
    err = { err = "ERR " .. tostring(err) }
  end
  local source, line = position()
  if source then
    err.source = source
    err.line = line
  end
  return err
end
G.__redis__err__handler = error_handler

-- Lua's pcall, except that an error table from Redis is given as its
-- message (as Redis 7.0 does, for scripts written before error tables).
local killed = rust.killed
local function pcall_result(ok, ...)
  if ok then
    return ok, ...
  end
  local e = ...
  if killed() then
    -- SCRIPT KILL's error goes through every pcall.
    error(e, 0)
  end
  if type(e) == "userdata" then
    e = unwrap(e)
  end
  if type(e) == "table" then
    local msg = rawget(e, "err")
    if type(msg) == "string" or type(msg) == "number" then
      return false, msg
    end
  end
  return false, e
end
G.pcall = function(...)
  return pcall_result(pcall(...))
end
local function xpcall_result(ok, ...)
  if not ok and killed() then
    error((...), 0)
  end
  return ok, ...
end
G.xpcall = function(f, handler)
  return xpcall_result(xpcall(f, function(e)
    if type(e) == "userdata" then
      e = unwrap(e)
    end
    return handler(e)
  end))
end
-- The busy hook runs on one thread at a time: it moves to the coroutine
-- being resumed and back to the resumer.
local resume, hook_here = G.coroutine.resume, rust.hook_here
local function resumed(...)
  hook_here()
  return xpcall_result(...)
end
G.coroutine.resume = function(co, ...)
  if type(co) == "thread" then
    hook_here(co)
  end
  return resumed(resume(co, ...))
end
local function pack(...)
  return { n = select("#", ...), ... }
end
local create = G.coroutine.create
G.coroutine.wrap = function(f)
  local co = create(f)
  return function(...)
    hook_here(co)
    local r = pack(resume(co, ...))
    hook_here()
    if r[1] then
      return unpack(r, 2, r.n)
    end
    local e = r[2]
    if type(e) == "userdata" then
      e = unwrap(e)
    end
    if killed() then
      error(e, 0)
    end
    -- As Lua's own wrap: a message gets the caller's position.
    if type(e) == "string" or type(e) == "number" then
      error(e, 2)
    end
    error(e, 0)
  end
end

-- ---- FUNCTION LOAD's globals: a `redis` with register_function, log and
-- the version, and nothing else -----------------------------------------------

local load_redis, load_api
if functions then
  local redis = G.redis
  load_redis = {}
  for _, name in ipairs({ "log", "LOG_DEBUG", "LOG_VERBOSE", "LOG_NOTICE", "LOG_WARNING", "REDIS_VERSION",
    "REDIS_VERSION_NUM" }) do
    load_redis[name] = redis[name]
  end
  setmetatable(load_redis, { __index = missing_global })
  load_api = setmetatable({ redis = protect(load_redis, nil) }, { __index = missing_global })
  load_api = protect(load_api, nil)
end

-- ---- read-only from here on ---------------------------------------------------------------

local library_names = {}
for name, value in pairs(G) do
  if type(value) == "table" and value ~= G then
    library_names[#library_names + 1] = name
  end
end
for _, name in ipairs(library_names) do
  G[name] = protect(G[name], nil)
end
string_meta.__index = G.string
string_meta.__metatable = protect({ __index = G.string }, nil)

setmetatable(G, { __index = missing_global, __newindex = readonly_error })
local globals_meta
globals, globals_meta = protect(G, protect({ __index = missing_global }, nil))
G._G = globals
G.getmetatable = function(t)
  if behind[t] then
    return shown[t]
  end
  return getmetatable(t)
end

-- Runs a compiled script (EVAL: KEYS and ARGV are globals, set from Rust)
-- or a function (FCALL: with KEYS and ARGV as arguments); returns true and
-- its result, or false and the error table.
local function run(f, fcall, keys, argv)
  if fcall then
    return xpcall(function()
      return f(keys, argv)
    end, error_handler)
  end
  return xpcall(f, error_handler)
end

local set_loading
if functions then
  set_loading = function(on)
    globals_meta.__index = on and load_api or G
  end
end

return run, globals, G, set_loading, load_redis
