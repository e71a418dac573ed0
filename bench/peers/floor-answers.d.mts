/** The JSON answer to an `X-Amz-Target` (e.g. "AmazonSQS.SendMessage") whose request body had `bodyBytes` bytes. */
export function floorAnswer(target: string, bodyBytes: number, port: number): string;
