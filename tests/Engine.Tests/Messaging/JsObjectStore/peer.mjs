// The official NATS JavaScript object store client as a test peer.
//   node peer.mjs get <url> <bucket> <name> <file>   copies the object into <file>, prints its info as JSON
//   node peer.mjs put <url> <bucket> <name> <file>   stores <file> as the object, with metadata origin=js
import { connect } from "@nats-io/transport-node";
import { Objm } from "@nats-io/obj";
import { createWriteStream, readFileSync } from "node:fs";

const [command, url, bucketName, name, file] = process.argv.slice(2);
const nc = await connect({ servers: url });
try {
  const bucket = await new Objm(nc).open(bucketName);
  if (command === "get") {
    const result = await bucket.get(name);
    if (result === null) throw new Error(`no object ${name} in bucket ${bucketName}`);
    const out = createWriteStream(file);
    for await (const chunk of result.data) out.write(chunk);
    await new Promise((resolve, reject) => out.end((error) => (error ? reject(error) : resolve())));
    // The client checks the digest and chunk count once the data is read; a mismatch is reported here.
    const error = await result.error;
    if (error) throw error;
    const info = result.info;
    console.log(JSON.stringify({ name: info.name, size: info.size, digest: info.digest, metadata: info.metadata ?? {} }));
  } else if (command === "put") {
    const data = readFileSync(file);
    await bucket.putBlob({ name, metadata: { origin: "js" } }, new Uint8Array(data));
    console.log(JSON.stringify({ name, size: data.length }));
  } else {
    throw new Error(`unknown command ${command}`);
  }
} finally {
  await nc.close();
}
