export { DocumentsService, type DocumentPage, type DocumentContent } from './documents.service.js';
export { DocumentStorage } from './documents.storage.js';
export { registerDocumentRoutes } from './documents.routes.js';
export { multipartOptions } from './documents.multipart.js';
export type { DocumentRecord } from './documents.repository.js';
