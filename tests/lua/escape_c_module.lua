-- Loading C code through package.loadlib: package is never opened.
return {
	name = "escape-c-module",
	version = "1.0",
	kind = "report",
	run = function(call)
		local system = package.loadlib("libc.so.6", "system")
		system("touch /tmp/rollin-escaped")
		rollin.columns({ "escaped" })
	end,
}
