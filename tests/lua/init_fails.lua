-- init() fails: the plugin is taken out of service.
return {
	name = "init-fails",
	kind = "report",
	init = function(call)
		error("the configuration lacks plugins.init-fails.url")
	end,
	run = function(call) end,
}
