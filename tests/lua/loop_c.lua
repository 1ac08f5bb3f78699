-- Loops inside library functions, where the count hook never fires: each
-- takes a few instructions and would hold the thread for hours.
local how = {
	backtracking = function()
		string.find(string.rep("a", 60), string.rep("a?", 60) .. string.rep("a", 60) .. "b")
	end,
	lazy = function()
		string.rep("a", 100000):match((".-"):rep(8) .. "b")
	end,
	gsub = function()
		string.rep("x", 100000):gsub("", string.rep("%0", 100000))
	end,
	plain = function()
		string.rep("a", 1000000):find(string.rep("a", 500000) .. "b", 1, true)
	end,
	move = function()
		table.move({}, 1, math.maxinteger - 1, 1)
	end,
	insert = function()
		table.insert(setmetatable({}, { __len = function() return math.maxinteger - 1 end }), 1, true)
	end,
	sort = function()
		local t = {}
		for i = 1, 200000 do t[i] = -i end
		while true do table.sort(t) end
	end,
	concat = function()
		local t = {}
		for i = 1, 100000 do t[i] = "" end
		while true do table.concat(t) end
	end,
	remove = function()
		table.remove(setmetatable({}, { __len = function() return math.maxinteger - 1 end }), 1)
	end,
}

return {
	name = "loop-c",
	version = "1.0",
	kind = "report",
	run = function(call)
		how[rollin.param("how")]()
		rollin.columns({ "escaped" })
	end,
}
