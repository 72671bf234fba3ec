-- What each wrk connection asks for, phase by phase (bench/load.py writes the parameters).
--
-- wrk runs this script in one Lua state per thread, and bench/load.py starts as many threads
-- as connections: thread number `id` is one virtual user, with its own session cookie, CSRF
-- token and X-Forwarded-For address. The parameters (BENCH_PARAMS, a Lua file returning a
-- table) say the phase, the users and the paths. (The open model is not wrk's: see
-- open_model in bench/load.py.)

local params = dofile(os.getenv("BENCH_PARAMS"))
local phase = params.phase
local threads = {}

function setup(thread)
   table.insert(threads, thread)
   thread:set("id", #threads)
end

function init(args)
   me = params.users[((id - 1) % #params.users) + 1] or {}
   n = 0
   state = "start"
   attempt = nil
   cycles = 0
   cycle_failures = 0
   math.randomseed(id)
end

-- A fresh address for each request of the phases that limit by address (log-in, verification).
local function address_of(number)
   return string.format("10.%d.%d.%d", math.floor(number / 65536) % 256,
      math.floor(number / 256) % 256, number % 256)
end

local function headers(address)
   local h = { ["X-Forwarded-For"] = address or me.address }
   if me.cookie then h["Cookie"] = me.cookie end
   return h
end

local function get(path, address)
   return wrk.format("GET", path, headers(address))
end

local function post(path, body, address)
   local h = headers(address)
   h["Content-Type"] = "application/x-www-form-urlencoded"
   return wrk.format("POST", path, h, body)
end

local function next_lesson()
   n = n + 1
   return params.lessons[(n + id) % #params.lessons + 1]
end

local tasks = {}

tasks.hello = function() return get("/") end
tasks.home = function() return get("/") end
tasks.catalogue = function() return get("/formations") end
tasks.course = function() return get(params.course) end
tasks.lesson = function() return get(next_lesson()) end
tasks.dashboard = function() return get("/mon-parcours") end
tasks.monitor = function() return get("/suivi") end

tasks.mark_done = function()
   return post(next_lesson() .. "/terminer", "csrf_token=" .. me.token)
end

tasks.verify = function()
   n = n + 1
   return get(params.verify, address_of(id * 100000 + n))
end

-- Each log-in is another learner's, from another address: no limit is reached.
tasks.login = function()
   n = n + 1
   local learner = ((id - 1) * 100000 + n) % params.learners + 1
   local body = string.format("email=%s&password=%s&csrf_token=%s",
      string.gsub(params.learner_email, "{}", learner), params.password, me.token)
   return post("/connexion", body, address_of(id * 100000 + n))
end

-- A quiz, as a learner takes it: start an attempt, read its questions, submit wrong answers
-- (the attempt is really graded and recorded; the bench course allows unlimited attempts).
tasks.quiz = function()
   if state == "questions" then
      return get(attempt)
   elseif state == "submit" then
      return post(attempt, "csrf_token=" .. me.token .. params.wrong_answers)
   end
   return post(params.quiz .. "/tentative", "csrf_token=" .. me.token)
end

-- The realistic mix: a task drawn at random, weighted (a learner reads more than it posts).
tasks.mix = function()
   return tasks[params.mix[math.random(#params.mix)]]()
end

request = tasks[phase]

if phase == "quiz" then
   function response(status, headers, body)
      if state == "start" then
         local location = headers["Location"] or ""
         local path = string.match(location, "(/tentatives/%d+)")
         if status == 302 and path then
            attempt = path
            state = "questions"
         else
            cycle_failures = cycle_failures + 1
         end
      elseif state == "questions" then
         state = "submit"
      else
         if status == 302 then cycles = cycles + 1 else cycle_failures = cycle_failures + 1 end
         state = "start"
      end
   end
end

function done(summary, latency, requests)
   local done_cycles, failed_cycles = 0, 0
   for _, thread in ipairs(threads) do
      done_cycles = done_cycles + (thread:get("cycles") or 0)
      failed_cycles = failed_cycles + (thread:get("cycle_failures") or 0)
   end
   local errors = summary.errors
   io.write(string.format(
      'WRK-RESULT {"requests": %d, "duration_us": %d, "status_errors": %d, ' ..
      '"socket_errors": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, ' ..
      '"cycles": %d, "cycle_failures": %d}\n',
      summary.requests, summary.duration, errors.status,
      errors.connect + errors.read + errors.write + errors.timeout,
      latency:percentile(50), latency:percentile(95), latency:percentile(99),
      done_cycles, failed_cycles))
end
