print("runexp")
