-- A memory bomb of one huge string: the memory cap refuses it.
return {
	name = "bomb-string-rep",
	version = "1.0",
	kind = "report",
	run = function(call)
		local s = string.rep("x", 1 << 30)
		rollin.row({ #s })
		rollin.columns({ "escaped" })
	end,
}
