// An ES module that imports nothing: the cost of Node's ES-module loader itself, for comparison.
