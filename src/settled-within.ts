/**
 * Waits for `work` at most `ms`; either way the timer is cleared, so a
 * shutdown step that finished early does not hold the process open for the
 * rest of its allowance. Rejections count as settled (shutdown goes on).
 */
export async function settledWithin(work: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  try {
    await Promise.race([work.then(() => undefined, () => undefined), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
