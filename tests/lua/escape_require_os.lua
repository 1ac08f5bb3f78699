-- Getting the full os library back through require: there is no require.
return {
	name = "escape-require-os",
	version = "1.0",
	kind = "report",
	run = function(call)
		local os2 = require("os")
		os2.execute("touch /tmp/rollin-escaped")
		rollin.columns({ "escaped" })
	end,
}
