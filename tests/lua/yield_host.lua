-- Yielding the call's own coroutine to the host: only rollin.http may
-- make a call wait.
return {
	name = "yield-host",
	version = "1.0",
	kind = "report",
	run = function(call)
		coroutine.yield("hello host")
		rollin.columns({ "escaped" })
	end,
}
