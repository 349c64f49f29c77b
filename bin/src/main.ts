process.stdout.write("persona\n");
