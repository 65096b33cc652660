// Entry point of the `synctv` binary.
import { runCli } from "./program.js";

const code = await runCli(process.argv);
if (code !== undefined) process.exitCode = code;
