-- A memory bomb of a growing table.
return {
	name = "bomb-table",
	version = "1.0",
	kind = "report",
	run = function(call)
		local t = {}
		for i = 1, math.maxinteger do
			t[i] = i
		end
		rollin.columns({ "escaped" })
	end,
}
