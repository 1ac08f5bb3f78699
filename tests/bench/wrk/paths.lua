-- GET of a random path out of the file BENCH_PATHS (one path a line), so
-- that every request reads another record or searches another word.
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(dir .. "report.lua")

local paths

function init(args)
	paths = bench_lines("BENCH_PATHS")
	math.randomseed(os.time())
end

function request()
	return wrk.format("GET", paths[math.random(#paths)])
end
