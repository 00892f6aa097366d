/**
 * IPS package knowledge (issue 4): actions and manifests, installed images, what pkg does to
 * editable files, and the account databases packages edit. Pure except the three readers
 * of an alternate root (readInstalledImage, detectImageLayout, readAccountFiles).
 */
export {
  ACTION_TYPES, KEY_ATTRS, PAYLOAD_TYPES, actionKey, actionsDiffer, attr, attrList, makeAction,
  type Action, type ActionType, type AttrValue,
} from './action.js';
export { ActionSyntaxError, parseAction, type ActionErrorKind } from './action-parse.js';
export { formatAction, quoteValue } from './action-format.js';
export { formatManifest, parseManifest, type ManifestAction, type ParseManifestOptions } from './manifest.js';

export { parseImageConfig, type ImageConfig } from './image-config.js';
export { IMAGE_FORMATS, detectImageLayout, manifestPath, pkgQuote, type ImageFormat, type ImageLayout } from './image-layout.js';
export { listInstalledPackages, parseInstalledCatalog, type InstalledPackage } from './installed-list.js';
export { actionApplies, facetIsOn, type ImageVariants } from './variants.js';
export { buildPathIndex, delivers, preserveOf, type Delivery, type PathEntry } from './path-index.js';
export { readInstalledImage, type InstalledImage } from './image-reader.js';

export { pkgFileOutcome, type DiskState, type FileUpgrade, type PkgFileOutcome } from './preserve-policy.js';

export {
  ACCOUNT_DBS, ACCOUNT_DB_KINDS, formatAccountDb, parseAccountDb,
  type AccountDb, type AccountDbKind, type AccountDbSchema, type DbLine,
} from './account-db.js';
export { mergeAccountDb, type DbConflict, type DbMergeResult } from './account-merge.js';
export { type AccountFiles } from './account-tables.js';
export { readAccountFiles } from './account-files.js';
export {
  applyAccountActions, checkAccountActions, type AccountActionReport, type ApplyAccountOptions,
} from './account-actions.js';
