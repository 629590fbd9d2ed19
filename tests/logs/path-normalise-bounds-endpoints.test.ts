import { normalisePath } from '../../src/logs/path-normalise';

describe('request paths become bounded endpoint labels', () => {
  it.each([
    ['/api/v1/tasks', '/api/v1/tasks'],
    ['/api/v1/tasks/', '/api/v1/tasks/'],
    ['/', '/'],
    ['', ''],
    ['/api/v1/tasks/8812', '/api/v1/tasks/{id}'],
    ['/api/v1/tasks/8812?x=1&token=abc', '/api/v1/tasks/{id}'],
    ['/api/v1/tasks/17#frag', '/api/v1/tasks/{id}'],
    ['/api/v1/tasks?x=/1/2', '/api/v1/tasks'],
    ['/api/v1/analysis/3F2B1C4E-9A8D-4E7F-B6C5-1D2E3F4A5B6C/result', '/api/v1/analysis/{uuid}/result'],
    ['/api/v1/commits/9fceb02d0ae598e95dc970b74767f19372d61af8', '/api/v1/commits/{hex}'],
    ['/api/v1/users/jane.doe@example.com/profile', '/api/v1/users/{email}/profile'],
    ['/api/v1/keys/[API_KEY_REDACTED]', '/api/v1/keys/{redacted}'],
    ['/api/v1/share/eyJhbGciOiJIUzI1NiJ9xyz123', '/api/v1/share/{token}'],
    ['/api/v1/agents/security_expert/status', '/api/v1/agents/security_expert/status'],
    ['/health/ready', '/health/ready'],
    ['/api/v2/deadbeef', '/api/v2/deadbeef'],
  ])('%s → %s', (raw, expected) => {
    expect(normalisePath(raw)).toBe(expected);
  });

  it('cuts very long paths', () => {
    expect(normalisePath(`/${'segment/'.repeat(100)}`).length).toBe(200);
  });
});
