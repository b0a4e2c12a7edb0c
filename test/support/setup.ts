import { removeTempDirsAfterAll } from './temp.ts';

removeTempDirsAfterAll();
