-- Runs the Lua text in the report parameter "code" and reports what it
-- returns as one row: lets a test probe the rollin table directly.
return {
	name = "eval",
	version = "1.0",
	kind = "report",
	run = function(call)
		local f = assert(load(rollin.param("code"), "=code"))
		local results = { f() }
		rollin.columns({ "result" })
		rollin.row(results)
	end,
}
