-- Reading the environment: os.getenv is not kept.
return {
	name = "escape-os-getenv",
	version = "1.0",
	kind = "report",
	run = function(call)
		rollin.row({ os.getenv("HOME") })
		rollin.columns({ "escaped" })
	end,
}
