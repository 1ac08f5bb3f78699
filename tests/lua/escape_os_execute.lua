-- Running a command: os keeps only time, date and clock.
return {
	name = "escape-os-execute",
	version = "1.0",
	kind = "report",
	run = function(call)
		os.execute("touch /tmp/rollin-escaped")
		rollin.columns({ "escaped" })
	end,
}
