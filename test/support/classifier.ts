import { classifierFromDivisions } from '../../server/rules/classifier.ts';

/** The classifier the service builds, from rules/ and the real Tianjin tree, without a database. */
export const tianjinClassifier = () => classifierFromDivisions('12');
