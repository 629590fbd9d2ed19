/** Tests run TypeScript through ts-jest; files live under tests/ and are named after what they prove. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/tests'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  testTimeout: 30000,
  // Integration suites start servers and child processes; two cores do not benefit from more workers.
  maxWorkers: 2,
};
