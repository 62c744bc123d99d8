export { Action, Actions, LOCAL_BOARD_PREFIX, describeAction, type ActionsOptions } from './actions';
export { QueueControl, type QueueControlOptions } from './queue';
