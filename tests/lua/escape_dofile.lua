-- Running files: dofile and loadfile are removed.
return {
	name = "escape-dofile",
	version = "1.0",
	kind = "report",
	run = function(call)
		local ok = pcall(dofile, "/etc/passwd")
		local f = loadfile("/etc/passwd")
		rollin.columns({ "escaped" })
	end,
}
