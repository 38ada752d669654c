// B1: a bare Fastify route returning a fixed JSON document (the same bytes as the scenario's answer).
import { readFileSync } from 'node:fs';
import Fastify from 'fastify';

const document = process.env.JSON_FILE ? readFileSync(process.env.JSON_FILE, 'utf8') : '{"hello":"world"}';
const app = Fastify({ logger: false });
app.get('/*', async (_request, reply) => reply.type('application/json').send(document));
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
process.stdout.write('ready\n');
