/**
 * The Temporal header that carries the REST request id from the client call (start,
 * update, signal) through the workflow to the activities it schedules, so an activity's
 * log lines name the request that caused them. Pure: the workflow sandbox imports it.
 */
export const REQUEST_ID_HEADER = 'request-id';
