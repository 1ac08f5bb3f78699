-- A memory bomb of doubling strings.
return {
	name = "bomb-concat",
	version = "1.0",
	kind = "report",
	run = function(call)
		local s = "x"
		while true do
			s = s .. s
		end
		rollin.columns({ "escaped" })
	end,
}
