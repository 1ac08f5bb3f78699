-- Switching off the budget hook: debug is never opened.
return {
	name = "escape-debug-sethook",
	version = "1.0",
	kind = "report",
	run = function(call)
		debug.sethook()
		while true do end
		rollin.columns({ "escaped" })
	end,
}
