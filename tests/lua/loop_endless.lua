-- An endless loop: the instruction budget ends it.
return {
	name = "loop-endless",
	version = "1.0",
	kind = "report",
	run = function(call)
		while true do end
		rollin.columns({ "escaped" })
	end,
}
