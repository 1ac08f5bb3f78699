-- Catching the memory error with pcall and allocating on: the call still fails.
return {
	name = "bomb-pcall",
	version = "1.0",
	kind = "report",
	run = function(call)
		for i = 1, 100 do
			pcall(string.rep, "x", 1 << 30)
		end
		local t = {}
		for i = 1, 1e6 do
			t[#t + 1] = ("y"):rep(64) .. i
		end
		rollin.columns({ "escaped" })
	end,
}
