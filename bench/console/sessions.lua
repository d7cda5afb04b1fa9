-- Each request: the next path of $PATHS with the next session cookie of $COOKIES.
local function lines(file)
  local t = {}
  for l in io.lines(file) do if #l > 0 then t[#t + 1] = l end end
  return t
end
local paths = lines(os.getenv("PATHS"))
local cookies = lines(os.getenv("COOKIES"))
local i = 0
function setup(thread) thread:set("offset", math.random(#paths)) end
function init() i = offset or 0 end
function request()
  i = i + 1
  local path = paths[(i % #paths) + 1]
  local cookie = cookies[(i % #cookies) + 1]
  return wrk.format("GET", path, { ["Cookie"] = cookie, ["HX-Request"] = "true" })
end
