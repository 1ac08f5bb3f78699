-- Reaching the registry (and the full libraries): debug is never opened.
return {
	name = "escape-debug-registry",
	version = "1.0",
	kind = "report",
	run = function(call)
		local reg = debug.getregistry()
		rollin.row({ tostring(reg._LOADED.io) })
		rollin.columns({ "escaped" })
	end,
}
