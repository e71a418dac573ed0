// The limits SQS enforces, in one place (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/quotas-messages.html,
// quotas-queues.html, quotas-batch-related.html). docs/limits.md lists them for users.

export const MAX_MESSAGE_BYTES = 1_048_576; // 1 MiB since August 2025
export const MIN_MESSAGE_BYTES_SETTING = 1024;
export const MAX_BATCH_ENTRIES = 10;
export const MAX_BATCH_ID_LENGTH = 80;
export const MAX_MESSAGE_ATTRIBUTES = 10;
export const MAX_ATTRIBUTE_NAME_LENGTH = 256;
export const MAX_DATA_TYPE_LENGTH = 256;
export const MAX_QUEUE_NAME_LENGTH = 80;
export const MAX_RECEIVE_MESSAGES = 10;
export const MAX_WAIT_SECONDS = 20;
export const MAX_VISIBILITY_SECONDS = 43_200; // 12 hours
export const MAX_DELAY_SECONDS = 900;
export const MAX_LIST_QUEUES_RESULTS = 1000;
export const MAX_TAGS_PER_QUEUE = 50;
export const MAX_TAG_KEY_LENGTH = 128;
export const MAX_TAG_VALUE_LENGTH = 256;
export const PURGE_INTERVAL_MS = 60_000;
export const RECREATE_AFTER_DELETE_MS = 60_000;
export const MAX_RECEIVE_COUNT_LIMIT = 1000;
// AddPermission: a label of at most 80 characters, at most seven actions per statement (AddPermission API reference).
export const MAX_PERMISSION_LABEL_LENGTH = 80;
export const MAX_PERMISSION_ACTIONS = 7;
export const MAX_MOVE_MESSAGES_PER_SECOND = 500; // StartMessageMoveTask API reference
export const MAX_LIST_MOVE_TASKS_RESULTS = 10; // ListMessageMoveTasks API reference (default 1)
