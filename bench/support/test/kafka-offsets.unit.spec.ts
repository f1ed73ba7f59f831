// Proves the rule by which a stopped consumer group is moved past what it has not read (so a restarted
// order service never sees the answers of a baseline it did not ask for): a partition is behind when its
// end lies past the group's committed offset, or, never committed, past its first message.
import { expect } from 'chai';
import { partitionsBehind } from '../kafka.js';

const end = (partition: number, low: string, high: string) => ({ partition, low, high });
const committed = (partition: number, offset: string) => ({ partition, offset });

describe('bench consumer group offsets', () => {
  it('leaves a group that has read everything where it is', () => {
    expect(
      partitionsBehind([end(0, '0', '12'), end(1, '0', '0')], [committed(0, '12'), committed(1, '0')]),
    ).to.deep.equal([]);
  });

  it('moves each partition with unread messages to its end, and only those', () => {
    expect(
      partitionsBehind([end(0, '0', '12'), end(1, '0', '7')], [committed(0, '12'), committed(1, '3')]),
    ).to.deep.equal([{ partition: 1, offset: '7' }]);
  });

  it('counts a partition the group never committed on as unread when it holds messages', () => {
    expect(
      partitionsBehind(
        [end(0, '0', '5'), end(1, '4', '4'), end(2, '0', '9')],
        [committed(0, '-1'), committed(1, '-1')],
      ),
    ).to.deep.equal([
      { partition: 0, offset: '5' },
      { partition: 2, offset: '9' },
    ]);
  });
});
