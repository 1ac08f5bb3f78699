-- POST /api/v1/solutions/{slug}/releases: an owner publishes a release.
-- Each request goes to the next solution of BENCH_SLUGS (starting at
-- BENCH_OFFSET) with a version unique to this run (BENCH_TAG), so none is
-- refused as a duplicate. Signed in with BENCH_TOKEN.
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(dir .. "report.lua")

local slugs, n, tag, headers
local counter = 0

function init(args)
	slugs = bench_lines("BENCH_SLUGS")
	n = #slugs
	counter = tonumber(os.getenv("BENCH_OFFSET") or "0")
	tag = os.getenv("BENCH_TAG") or "1"
	headers = {
		["Authorization"] = "Bearer " .. assert(os.getenv("BENCH_TOKEN")),
		["Content-Type"] = "application/json",
	}
end

function request()
	local slug = slugs[counter % n + 1]
	counter = counter + 1
	local body = string.format('{"version":"%s.%d","status":"released",' ..
	    '"date":"2026-03-01","notes":"## Änderungen\\n\\n- Fehlerbehebungen ' ..
	    'im Antragsassistenten\\n- Aktualisierte Textbausteine\\n- Neue ' ..
	    'Schnittstelle zum Fachverfahren"}', tag, counter)
	return wrk.format("POST", "/api/v1/solutions/" .. slug .. "/releases",
	    headers, body)
end
