-- PATCH /api/v1/solutions/{slug}: an owner edits the summary of an entry.
-- Every solution of a fresh copy of the seeded catalogue is at revision 1,
-- and each request edits the next one (from BENCH_OFFSET on), so
-- If-Match: "1" is always the current ETag. Signed in with BENCH_TOKEN.
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(dir .. "report.lua")

local slugs, n, headers
local counter = 0

function init(args)
	slugs = bench_lines("BENCH_SLUGS")
	n = #slugs
	counter = tonumber(os.getenv("BENCH_OFFSET") or "0")
	headers = {
		["Authorization"] = "Bearer " .. assert(os.getenv("BENCH_TOKEN")),
		["Content-Type"] = "application/json",
		["If-Match"] = '"1"',
	}
end

function request()
	local slug = slugs[counter % n + 1]
	counter = counter + 1
	local body = string.format('{"summary":"Überarbeitete Beschreibung ' ..
	    '(Stand %d): digitale Abwicklung vom Antrag bis zum Bescheid, ' ..
	    'jetzt mit Anbindung an das Nutzerkonto Bund."}', counter)
	return wrk.format("PATCH", "/api/v1/solutions/" .. slug, headers, body)
end
