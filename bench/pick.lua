-- wrk script for bench/run.py: every request takes a random line of a file.
--
--   wrk ... -s bench/pick.lua URL -- fixed
--   wrk ... -s bench/pick.lua URL -- cookie FILE           each line is a Cookie header value
--   wrk ... -s bench/pick.lua URL -- path FILE TEMPLATE    each line fills the %s of TEMPLATE
--
-- Every row of the benchmark runs through this script, "fixed" ones included, so the cost of
-- the script is the same everywhere. Responses are counted by status: wrk itself reports only
-- 4xx and 5xx, and a 302 to the login page would otherwise pass for a served page. The last
-- line wrk prints is "statuses: non2xx N 3xx N 4xx N 5xx N".

local threads = {}
local counter = 0

function setup(thread)
   counter = counter + 1
   thread:set("id", counter)
   table.insert(threads, thread)
end

function init(args)
   mode = args[1] or "fixed"
   lines = {}
   if mode ~= "fixed" then
      for line in io.lines(args[2]) do
         if line ~= "" then
            lines[#lines + 1] = line
         end
      end
      if #lines == 0 then
         error("no lines in " .. args[2])
      end
   end
   template = args[3]
   headers = {}
   for name, value in pairs(wrk.headers) do
      headers[name] = value
   end
   -- Each thread its own sequence: the same seed in both threads would send the same keys.
   math.randomseed(os.time() * 1000 + id * 7919)
   for _ = 1, 10 do
      math.random()
   end
   fixed = wrk.format(nil, wrk.path, headers)
   n3xx, n4xx, n5xx, nother = 0, 0, 0, 0
end

function request()
   if mode == "fixed" then
      return fixed
   end
   local line = lines[math.random(#lines)]
   if mode == "cookie" then
      headers["Cookie"] = line
      return wrk.format(nil, wrk.path, headers)
   end
   return wrk.format(nil, string.format(template, line), headers)
end

function response(status, _headers, _body)
   if status >= 200 and status < 300 then
      return
   elseif status >= 300 and status < 400 then
      n3xx = n3xx + 1
   elseif status >= 400 and status < 500 then
      n4xx = n4xx + 1
   elseif status >= 500 and status < 600 then
      n5xx = n5xx + 1
   else
      nother = nother + 1
   end
end

function done(_summary, _latency, _requests)
   local c3, c4, c5, other = 0, 0, 0, 0
   for _, thread in ipairs(threads) do
      c3 = c3 + thread:get("n3xx")
      c4 = c4 + thread:get("n4xx")
      c5 = c5 + thread:get("n5xx")
      other = other + thread:get("nother")
   end
   io.write(string.format("statuses: non2xx %d 3xx %d 4xx %d 5xx %d\n",
      c3 + c4 + c5 + other, c3, c4, c5))
end
