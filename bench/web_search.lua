-- bench/web_search.lua: wrk script for bench/web.sh; each request takes the next search path from the file
-- named by WEB_BENCH_PATHS (one "/api/search?..." per line), so the server answers different questions.
local paths = {}
for line in io.lines(os.getenv("WEB_BENCH_PATHS")) do
    paths[#paths + 1] = line
end
local i = 0
request = function()
    i = i % #paths + 1
    return wrk.format("GET", paths[i])
end
