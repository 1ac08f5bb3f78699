-- Reading a file through io: io is never opened.
return {
	name = "escape-io-open",
	version = "1.0",
	kind = "report",
	run = function(call)
		local f = io.open("/etc/passwd")
		rollin.row({ f:read("a") })
		rollin.columns({ "escaped" })
	end,
}
